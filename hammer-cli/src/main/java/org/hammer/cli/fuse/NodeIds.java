package org.hammer.cli.fuse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;

/**
 * The kernel's node ids of a mount (FUSE kernel protocol): each {@link Node} the kernel has looked
 * up has one id, counted by its lookups until the kernel forgets them, so every name of a
 * hard-linked file is the same kernel inode. A directory reached through a name of the history
 * ({@code @@...}) gets an id of its own per directory and name, as the kernel allows a directory
 * only one name: the root of a PFS seen through a PFS link is then no alias of the mount's root.
 * Node id 1 is the mount's root and is never forgotten.
 */
final class NodeIds {
    static final long ROOT_ID = 1;

    /** What a node id stands for: a node, and for an alias the directory and name it was found by. */
    record Key(Node node, long aliasParent, String aliasName) {
        static Key of(Node n) {
            return new Key(n, 0, null);
        }
    }

    private static final class Known {
        final long id;
        final Key key;
        long lookups;

        Known(long id, Key key) {
            this.id = id;
            this.key = key;
        }
    }

    private final ConcurrentHashMap<Key, Known> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Known> byId = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(ROOT_ID + 1);

    NodeIds(Node root) {
        Known r = new Known(ROOT_ID, Key.of(root));
        r.lookups = 1;
        byKey.put(r.key, r);
        byId.put(ROOT_ID, r);
    }

    /** The kernel learns {@code key} (one more lookup); returns its node id. */
    long lookedUp(Key key) {
        Known k = byKey.compute(key, (x, old) -> {
            Known n = old != null ? old : new Known(next.getAndIncrement(), x);
            n.lookups++;
            if (old == null) {
                byId.put(n.id, n);
            }
            return n;
        });
        return k.id;
    }

    /** The node of a node id the kernel holds; ENOENT (stale) for one it has forgotten. */
    Node node(long id) {
        Known k = byId.get(id);
        if (k == null) {
            throw new FsException(Errno.ENOENT, "node " + id + ": forgotten");
        }
        return k.key.node();
    }

    /** The kernel forgets {@code count} lookups of {@code id}; at none the id is gone. */
    void forget(long id, long count) {
        Known k = byId.get(id);
        if (k == null || id == ROOT_ID) {
            return;
        }
        byKey.computeIfPresent(k.key, (x, cur) -> {
            cur.lookups -= count;
            if (cur.lookups > 0) {
                return cur;
            }
            byId.remove(cur.id);
            return null;
        });
    }

    /** The ids of the known nodes that {@code which} selects. */
    List<Long> ids(Predicate<Node> which) {
        List<Long> out = new ArrayList<>();
        byId.forEach((id, k) -> {
            if (which.test(k.key.node())) {
                out.add(id);
            }
        });
        return out;
    }

    /** The views of a current state (not a fixed TID) of which the kernel holds nodes. */
    Set<View> currentViews() {
        Set<View> out = new HashSet<>();
        byId.forEach((id, k) -> {
            if (!k.key.node().view().isPinned()) {
                out.add(k.key.node().view());
            }
        });
        return out;
    }

    /** The node id the kernel holds for {@code key}, or 0. */
    long held(Key key) {
        Known k = byKey.get(key);
        return k != null ? k.id : 0;
    }

    /** How many node ids the kernel holds (the root included). */
    int size() {
        return byId.size();
    }
}
