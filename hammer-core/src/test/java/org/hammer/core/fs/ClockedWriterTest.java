package org.hammer.core.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hammer.core.store.StoreWriter;
import org.junit.jupiter.api.Test;

class ClockedWriterTest {

    /**
     * The clocked writer wraps the store's transaction: a method it leaves to the interface's
     * default takes the default's slower way round (the data copied into a record, its CRC taken
     * again) instead of the store's own.
     */
    @Test
    void declaresEveryMethodOfTheStoreWriterItself() throws Exception {
        List<String> missing = new ArrayList<>();
        Method[] methods = StoreWriter.class.getMethods();
        assertThat(methods).as("the interface has methods with defaults").anyMatch(Method::isDefault);
        for (Method m : methods) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Method own = ClockedWriter.class.getMethod(m.getName(), m.getParameterTypes());
            if (own.getDeclaringClass() != ClockedWriter.class) {
                missing.add(m.getName() + Arrays.toString(m.getParameterTypes()));
            }
        }
        assertThat(missing).as("methods ClockedWriter leaves to a default").isEmpty();
    }
}
