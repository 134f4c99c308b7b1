/*
 * hammer's native library: LMDB's C interface bound through JNI, and the few system calls the JDK
 * does not offer (fallocate, a FileDescriptor for a numbered descriptor, a chained fault handler).
 *
 * Values come back as direct ByteBuffers that point into LMDB's map: each cursor and transaction
 * owns one or two buffer objects, and a call re-points them (address, capacity, limit, position,
 * mark) instead of allocating. JNI may set these fields whatever the module system says, so no
 * JVM option is needed. Every call that can fail throws org.hammer.core.lmdb.LmdbException with
 * LMDB's return code; MDB_NOTFOUND is a false return, not an exception.
 */
#define _GNU_SOURCE
#include <jni.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "org_hammer_core_lmdb_Native.h"

/* ---- LMDB's interface (lmdb.h, LMDB 0.9), as far as it is used here ---- */
typedef struct MDB_env MDB_env;
typedef struct MDB_txn MDB_txn;
typedef struct MDB_cursor MDB_cursor;
typedef unsigned int MDB_dbi;
typedef struct MDB_val {
    size_t mv_size;
    void *mv_data;
} MDB_val;
typedef struct MDB_stat {
    unsigned int ms_psize;
    unsigned int ms_depth;
    size_t ms_branch_pages;
    size_t ms_leaf_pages;
    size_t ms_overflow_pages;
    size_t ms_entries;
} MDB_stat;
typedef struct MDB_envinfo {
    void *me_mapaddr;
    size_t me_mapsize;
    size_t me_last_pgno;
    size_t me_last_txnid;
    unsigned int me_maxreaders;
    unsigned int me_numreaders;
} MDB_envinfo;
typedef void MDB_assert_func(MDB_env *env, const char *msg);

#define MDB_RDONLY 0x20000
#define MDB_RESERVE 0x10000
#define MDB_NOTFOUND (-30798)
#define MDB_CORRUPTED (-30796)

int mdb_env_create(MDB_env **env);
int mdb_env_open(MDB_env *env, const char *path, unsigned int flags, mode_t mode);
void mdb_env_close(MDB_env *env);
int mdb_env_set_mapsize(MDB_env *env, size_t size);
int mdb_env_set_maxreaders(MDB_env *env, unsigned int readers);
int mdb_env_set_maxdbs(MDB_env *env, MDB_dbi dbs);
int mdb_env_set_assert(MDB_env *env, MDB_assert_func *func);
int mdb_env_sync(MDB_env *env, int force);
int mdb_env_stat(MDB_env *env, MDB_stat *stat);
int mdb_env_info(MDB_env *env, MDB_envinfo *info);
int mdb_reader_check(MDB_env *env, int *dead);
int mdb_txn_begin(MDB_env *env, MDB_txn *parent, unsigned int flags, MDB_txn **txn);
size_t mdb_txn_id(MDB_txn *txn);
int mdb_txn_commit(MDB_txn *txn);
void mdb_txn_abort(MDB_txn *txn);
int mdb_dbi_open(MDB_txn *txn, const char *name, unsigned int flags, MDB_dbi *dbi);
int mdb_dbi_flags(MDB_txn *txn, MDB_dbi dbi, unsigned int *flags);
int mdb_get(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data);
int mdb_put(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data, unsigned int flags);
int mdb_del(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data);
int mdb_cursor_open(MDB_txn *txn, MDB_dbi dbi, MDB_cursor **cursor);
void mdb_cursor_close(MDB_cursor *cursor);
int mdb_cursor_get(MDB_cursor *cursor, MDB_val *key, MDB_val *data, int op);
char *mdb_strerror(int err);

/* ---- what JNI_OnLoad looks up once ---- */
static JavaVM *vm;
static jclass exceptionClass;    /* org.hammer.core.lmdb.LmdbException */
static jmethodID exceptionInit;  /* (ILjava/lang/String;)V */
static jclass nativeClass;       /* org.hammer.core.lmdb.Native */
static jmethodID assertFailed;   /* static (JLjava/lang/String;)V */
static jmethodID faulted;        /* static (IJ)V */
static jclass fdClass;           /* java.io.FileDescriptor */
static jmethodID fdInit;
static jfieldID fdField;
static jfieldID bufAddress, bufCapacity, bufLimit, bufPosition, bufMark;
static char emptyByte;

#define PTR(x) ((void *) (intptr_t) (x))
#define HANDLE(x) ((jlong) (intptr_t) (x))

static jint version(void) { return JNI_VERSION_1_8; }

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *jvm, void *reserved) {
    (void) reserved;
    JNIEnv *e;
    vm = jvm;
    if ((*jvm)->GetEnv(jvm, (void **) &e, version()) != JNI_OK) {
        return JNI_ERR;
    }
    jclass c = (*e)->FindClass(e, "org/hammer/core/lmdb/LmdbException");
    if (c == NULL) return JNI_ERR;
    exceptionClass = (*e)->NewGlobalRef(e, c);
    exceptionInit = (*e)->GetMethodID(e, c, "<init>", "(ILjava/lang/String;)V");
    c = (*e)->FindClass(e, "org/hammer/core/lmdb/Native");
    if (c == NULL) return JNI_ERR;
    nativeClass = (*e)->NewGlobalRef(e, c);
    assertFailed = (*e)->GetStaticMethodID(e, c, "assertFailed", "(JLjava/lang/String;)V");
    faulted = (*e)->GetStaticMethodID(e, c, "faulted", "(IJ)V");
    c = (*e)->FindClass(e, "java/io/FileDescriptor");
    if (c == NULL) return JNI_ERR;
    fdClass = (*e)->NewGlobalRef(e, c);
    fdInit = (*e)->GetMethodID(e, c, "<init>", "()V");
    fdField = (*e)->GetFieldID(e, c, "fd", "I");
    c = (*e)->FindClass(e, "java/nio/Buffer");
    if (c == NULL) return JNI_ERR;
    bufAddress = (*e)->GetFieldID(e, c, "address", "J");
    bufCapacity = (*e)->GetFieldID(e, c, "capacity", "I");
    bufLimit = (*e)->GetFieldID(e, c, "limit", "I");
    bufPosition = (*e)->GetFieldID(e, c, "position", "I");
    bufMark = (*e)->GetFieldID(e, c, "mark", "I");
    if (exceptionInit == NULL || assertFailed == NULL || faulted == NULL || fdInit == NULL || fdField == NULL
            || bufAddress == NULL || bufCapacity == NULL || bufLimit == NULL || bufPosition == NULL
            || bufMark == NULL) {
        return JNI_ERR;
    }
    return version();
}

/* Throws LmdbException(rc, message); returns 0 for the caller's convenience. */
static int fail(JNIEnv *e, int rc, const char *message) {
    if ((*e)->ExceptionCheck(e)) {
        return 0;
    }
    jstring m = (*e)->NewStringUTF(e, message != NULL ? message : mdb_strerror(rc));
    if (m == NULL) {
        return 0;
    }
    jobject x = (*e)->NewObject(e, exceptionClass, exceptionInit, (jint) rc, m);
    if (x != NULL) {
        (*e)->Throw(e, (jthrowable) x);
    }
    return 0;
}

/* Points buffer b at v's bytes: position 0, limit and capacity the size. */
static int point(JNIEnv *e, jobject b, const MDB_val *v) {
    if (v->mv_size > INT_MAX) {
        return fail(e, MDB_CORRUPTED, "a value of impossible size (a damaged page)");
    }
    (*e)->SetLongField(e, b, bufAddress, HANDLE(v->mv_data));
    (*e)->SetIntField(e, b, bufCapacity, (jint) v->mv_size);
    (*e)->SetIntField(e, b, bufLimit, (jint) v->mv_size);
    (*e)->SetIntField(e, b, bufPosition, 0);
    (*e)->SetIntField(e, b, bufMark, -1);
    return 1;
}

/* v = the bytes of direct buffer b from pos, len of them. */
static int bytes(JNIEnv *e, jobject b, jint pos, jint len, MDB_val *v) {
    char *a = b == NULL ? NULL : (*e)->GetDirectBufferAddress(e, b);
    if (a == NULL) {
        jclass c = (*e)->FindClass(e, "java/lang/IllegalArgumentException");
        if (c != NULL) (*e)->ThrowNew(e, c, "LMDB takes direct buffers only");
        return 0;
    }
    v->mv_data = a + pos;
    v->mv_size = (size_t) len;
    return 1;
}

JNIEXPORT jobject JNICALL Java_org_hammer_core_lmdb_Native_emptyBuffer(JNIEnv *e, jclass c) {
    (void) c;
    return (*e)->NewDirectByteBuffer(e, &emptyByte, 0);
}

JNIEXPORT jlong JNICALL Java_org_hammer_core_lmdb_Native_address(JNIEnv *e, jclass c, jobject b) {
    (void) c;
    return HANDLE((*e)->GetDirectBufferAddress(e, b));
}

static void on_assert(MDB_env *env, const char *msg) {
    JNIEnv *e;
    if ((*vm)->GetEnv(vm, (void **) &e, version()) != JNI_OK) {
        return; /* not a Java thread: LMDB aborts */
    }
    (*e)->ExceptionClear(e);
    jstring m = (*e)->NewStringUTF(e, msg);
    (*e)->CallStaticVoidMethod(e, nativeClass, assertFailed, HANDLE(env), m);
}

/* ---- environments ---- */

JNIEXPORT jlong JNICALL Java_org_hammer_core_lmdb_Native_envOpen(JNIEnv *e, jclass c, jstring path, jlong mapSize,
        jint maxDbs, jint maxReaders, jint flags, jint mode) {
    (void) c;
    MDB_env *env;
    int rc = mdb_env_create(&env);
    if (rc) return fail(e, rc, NULL);
    mdb_env_set_assert(env, on_assert);
    if ((rc = mdb_env_set_mapsize(env, (size_t) mapSize)) || (rc = mdb_env_set_maxdbs(env, (MDB_dbi) maxDbs))
            || (rc = mdb_env_set_maxreaders(env, (unsigned int) maxReaders))) {
        mdb_env_close(env);
        return fail(e, rc, NULL);
    }
    const char *p = (*e)->GetStringUTFChars(e, path, NULL);
    if (p == NULL) {
        mdb_env_close(env);
        return 0;
    }
    rc = mdb_env_open(env, p, (unsigned int) flags, (mode_t) mode);
    (*e)->ReleaseStringUTFChars(e, path, p);
    if (rc) {
        mdb_env_close(env);
        return fail(e, rc, NULL);
    }
    return HANDLE(env);
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_envClose(JNIEnv *e, jclass c, jlong env) {
    (void) e; (void) c;
    mdb_env_close(PTR(env));
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_envSync(JNIEnv *e, jclass c, jlong env, jboolean force) {
    (void) c;
    int rc = mdb_env_sync(PTR(env), force ? 1 : 0);
    if (rc) fail(e, rc, NULL);
}

JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_envPageSize(JNIEnv *e, jclass c, jlong env) {
    (void) c;
    MDB_stat s;
    int rc = mdb_env_stat(PTR(env), &s);
    return rc ? fail(e, rc, NULL) : (jint) s.ms_psize;
}

/* out: map address, map size, last page number, last transaction id, max readers, readers. */
JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_envInfo(JNIEnv *e, jclass c, jlong env, jlongArray out) {
    (void) c;
    MDB_envinfo i;
    int rc = mdb_env_info(PTR(env), &i);
    if (rc) {
        fail(e, rc, NULL);
        return;
    }
    jlong v[6] = {HANDLE(i.me_mapaddr), (jlong) i.me_mapsize, (jlong) i.me_last_pgno, (jlong) i.me_last_txnid,
                  (jlong) i.me_maxreaders, (jlong) i.me_numreaders};
    (*e)->SetLongArrayRegion(e, out, 0, 6, v);
}

JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_readerCheck(JNIEnv *e, jclass c, jlong env) {
    (void) c;
    int dead = 0;
    int rc = mdb_reader_check(PTR(env), &dead);
    return rc ? fail(e, rc, NULL) : dead;
}

/* ---- transactions ---- */

JNIEXPORT jlong JNICALL Java_org_hammer_core_lmdb_Native_txnBegin(JNIEnv *e, jclass c, jlong env, jboolean readOnly) {
    (void) c;
    MDB_txn *txn;
    int rc = mdb_txn_begin(PTR(env), NULL, readOnly ? MDB_RDONLY : 0, &txn);
    return rc ? fail(e, rc, NULL) : HANDLE(txn);
}

JNIEXPORT jlong JNICALL Java_org_hammer_core_lmdb_Native_txnId(JNIEnv *e, jclass c, jlong txn) {
    (void) e; (void) c;
    return (jlong) mdb_txn_id(PTR(txn));
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_txnCommit(JNIEnv *e, jclass c, jlong txn) {
    (void) c;
    int rc = mdb_txn_commit(PTR(txn));
    if (rc) fail(e, rc, NULL);
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_txnAbort(JNIEnv *e, jclass c, jlong txn) {
    (void) e; (void) c;
    mdb_txn_abort(PTR(txn));
}

/* ---- tables ---- */

JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_dbiOpen(JNIEnv *e, jclass c, jlong txn, jstring name,
        jint flags) {
    (void) c;
    const char *n = (*e)->GetStringUTFChars(e, name, NULL);
    if (n == NULL) return 0;
    MDB_dbi dbi = 0;
    int rc = mdb_dbi_open(PTR(txn), n, (unsigned int) flags, &dbi);
    (*e)->ReleaseStringUTFChars(e, name, n);
    return rc ? fail(e, rc, NULL) : (jint) dbi;
}

JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_dbiFlags(JNIEnv *e, jclass c, jlong txn, jint dbi) {
    (void) c;
    unsigned int f = 0;
    int rc = mdb_dbi_flags(PTR(txn), (MDB_dbi) dbi, &f);
    return rc ? fail(e, rc, NULL) : (jint) f;
}

JNIEXPORT jboolean JNICALL Java_org_hammer_core_lmdb_Native_get(JNIEnv *e, jclass c, jlong txn, jint dbi,
        jobject key, jint kpos, jint klen, jobject out) {
    (void) c;
    MDB_val k, v;
    if (!bytes(e, key, kpos, klen, &k)) return JNI_FALSE;
    int rc = mdb_get(PTR(txn), (MDB_dbi) dbi, &k, &v);
    if (rc == MDB_NOTFOUND) return JNI_FALSE;
    if (rc) return (jboolean) fail(e, rc, NULL);
    return (jboolean) point(e, out, &v);
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_put(JNIEnv *e, jclass c, jlong txn, jint dbi,
        jobject key, jint kpos, jint klen, jobject val, jint vpos, jint vlen, jint flags) {
    (void) c;
    MDB_val k, v;
    if (!bytes(e, key, kpos, klen, &k) || !bytes(e, val, vpos, vlen, &v)) return;
    int rc = mdb_put(PTR(txn), (MDB_dbi) dbi, &k, &v, (unsigned int) flags);
    if (rc) fail(e, rc, NULL);
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_reserve(JNIEnv *e, jclass c, jlong txn, jint dbi,
        jobject key, jint kpos, jint klen, jint size, jint flags, jobject out) {
    (void) c;
    MDB_val k, v;
    if (!bytes(e, key, kpos, klen, &k)) return;
    v.mv_size = (size_t) size;
    v.mv_data = NULL;
    int rc = mdb_put(PTR(txn), (MDB_dbi) dbi, &k, &v, (unsigned int) flags | MDB_RESERVE);
    if (rc) {
        fail(e, rc, NULL);
        return;
    }
    point(e, out, &v);
}

JNIEXPORT jboolean JNICALL Java_org_hammer_core_lmdb_Native_del(JNIEnv *e, jclass c, jlong txn, jint dbi,
        jobject key, jint kpos, jint klen) {
    (void) c;
    MDB_val k;
    if (!bytes(e, key, kpos, klen, &k)) return JNI_FALSE;
    int rc = mdb_del(PTR(txn), (MDB_dbi) dbi, &k, NULL);
    if (rc == MDB_NOTFOUND) return JNI_FALSE;
    if (rc) return (jboolean) fail(e, rc, NULL);
    return JNI_TRUE;
}

/* ---- cursors ---- */

JNIEXPORT jlong JNICALL Java_org_hammer_core_lmdb_Native_cursorOpen(JNIEnv *e, jclass c, jlong txn, jint dbi) {
    (void) c;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(PTR(txn), (MDB_dbi) dbi, &cur);
    return rc ? fail(e, rc, NULL) : HANDLE(cur);
}

JNIEXPORT void JNICALL Java_org_hammer_core_lmdb_Native_cursorClose(JNIEnv *e, jclass c, jlong cur) {
    (void) e; (void) c;
    mdb_cursor_close(PTR(cur));
}

/* One cursor operation; key (may be null) is what MDB_SET_RANGE looks for. */
JNIEXPORT jboolean JNICALL Java_org_hammer_core_lmdb_Native_cursorGet(JNIEnv *e, jclass c, jlong cur, jint op,
        jobject key, jint kpos, jint klen, jobject outKey, jobject outVal) {
    (void) c;
    MDB_val k = {0, NULL}, v = {0, NULL};
    if (key != NULL && !bytes(e, key, kpos, klen, &k)) return JNI_FALSE;
    int rc = mdb_cursor_get(PTR(cur), &k, &v, op);
    if (rc == MDB_NOTFOUND) return JNI_FALSE;
    if (rc) return (jboolean) fail(e, rc, NULL);
    return (jboolean) (point(e, outKey, &k) && point(e, outVal, &v));
}

JNIEXPORT jstring JNICALL Java_org_hammer_core_lmdb_Native_strerror(JNIEnv *e, jclass c, jint rc) {
    (void) c;
    return (*e)->NewStringUTF(e, mdb_strerror(rc));
}

/* ---- system calls ---- */

JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_fallocate(JNIEnv *e, jclass c, jstring path, jlong offset,
        jlong length) {
    (void) c;
    const char *p = (*e)->GetStringUTFChars(e, path, NULL);
    if (p == NULL) return -1;
    int fd = open(p, O_WRONLY | O_CLOEXEC);
    (*e)->ReleaseStringUTFChars(e, path, p);
    if (fd < 0) return errno;
    int rc = fallocate(fd, 0, (off_t) offset, (off_t) length) == 0 ? 0 : errno;
    close(fd);
    return rc;
}

JNIEXPORT jobject JNICALL Java_org_hammer_core_lmdb_Native_fileDescriptor(JNIEnv *e, jclass c, jint fd) {
    (void) c;
    jobject d = (*e)->NewObject(e, fdClass, fdInit);
    if (d != NULL) {
        (*e)->SetIntField(e, d, fdField, fd);
    }
    return d;
}

static void on_fault(int sig, siginfo_t *info, void *context) {
    (void) context;
    JNIEnv *e;
    if (vm != NULL && (*vm)->GetEnv(vm, (void **) &e, version()) == JNI_OK) {
        (*e)->ExceptionClear(e);
        (*e)->CallStaticVoidMethod(e, nativeClass, faulted, (jint) sig, HANDLE(info->si_addr));
    }
    /*
     * Not a Java thread, or the handler returned: returning would fault again at once (the JVM
     * counts a chained handler's return as handled), so the process ends as a crash would.
     */
    abort();
}

/*
 * Chains on_fault behind the JVM's own handlers for SIGSEGV and SIGBUS. Only when the JVM runs
 * with its signal-chaining library preloaded (the caller checks): sigaction then resolves to
 * libjsig's, which keeps the JVM's handler first; libc's own would replace it.
 */
JNIEXPORT jint JNICALL Java_org_hammer_core_lmdb_Native_chainFaultHandler(JNIEnv *e, jclass c) {
    (void) e; (void) c;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    /* The JVM's own uses of SIGSEGV inside the Java handler must reach the JVM: not blocked. */
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, NULL) != 0 || sigaction(SIGBUS, &sa, NULL) != 0) {
        return errno;
    }
    return 0;
}
