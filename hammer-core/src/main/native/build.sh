#!/usr/bin/env bash
# Builds hammer's native library for this machine, beside the classes that load it:
#   build.sh TARGET JAVA_HOME
# TARGET is the module's build directory: TARGET/lmdb-native holds LMDB as the lmdbjava project
# builds it (unpacked by Maven), TARGET/native-include the JNI header javac wrote. Both
# libraries go to TARGET/classes/org/hammer/core/lmdb/native, so they travel in the jar.
set -euo pipefail
target="$1"
jdk="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "$(uname -m)" in
    x86_64) arch=x86_64-linux-gnu ;;
    aarch64|arm64) arch=aarch64-linux-gnu ;;
    *) echo "build.sh: no LMDB build for $(uname -m)" >&2; exit 1 ;;
esac
out="$target/classes/org/hammer/core/lmdb/native"
mkdir -p "$out"
lmdb="$target/lmdb-native/org/lmdbjava/native/$arch.so"
[[ -f "$lmdb" ]] || { echo "build.sh: $lmdb missing (maven-dependency-plugin unpacks it)" >&2; exit 1; }
cp -f "$lmdb" "$out/liblmdb.so"
src="$here/hammer_native.c"
lib="$out/libhammer-native.so"
# Rebuilt only when its source, the JNI header or LMDB changed.
if [[ -f "$lib" && "$lib" -nt "$src" && "$lib" -nt "$target/native-include/org_hammer_core_lmdb_Native.h" \
      && "$lib" -nt "$lmdb" ]]; then
    exit 0
fi
${CC:-gcc} -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror \
    -I"$jdk/include" -I"$jdk/include/linux" -I"$target/native-include" \
    -o "$lib.tmp" "$src" -L"$out" -l:liblmdb.so -Wl,-rpath,'$ORIGIN' -Wl,--no-undefined
mv -f "$lib.tmp" "$lib"
