# Sourced by the scripts in bin/ and by .ci/run: exports JAVA_HOME pointing at a JDK 21 or newer.
# The default java on our build machines is 17, so when JAVA_HOME (or the java on the PATH) is older,
# the Temurin 25 JDK, or else any JDK 21+ under /usr/lib/jvm, is used instead. Also sets
# QUIET_JVM_OPTIONS: what the JVM needs not to warn about what the libraries do (Netty's native
# access; from JDK 24, Netty's and protobuf's use of sun.misc.Unsafe), which a user cannot change;
# MAVEN_OPTS gets the same for Maven's own libraries.

java_major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java\.specification\.version = //p'
}

is_jdk21() {
    local major
    major=$(java_major "$1")
    [ -x "$1/bin/javac" ] && [ "${major:-0}" -ge 21 ] 2>/dev/null
}

if [ -z "${JAVA_HOME:-}" ] && command -v java >/dev/null; then
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
fi
if ! is_jdk21 "${JAVA_HOME:-/nonexistent}"; then
    for jdk in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
        if is_jdk21 "$jdk"; then
            JAVA_HOME=$jdk
            break
        fi
    done
fi
if ! is_jdk21 "${JAVA_HOME:-/nonexistent}"; then
    echo "The order service needs JDK 21 or newer: set JAVA_HOME to one." >&2
    exit 1
fi
export JAVA_HOME

QUIET_JVM_OPTIONS=(--enable-native-access=ALL-UNNAMED)
if [ "$(java_major "$JAVA_HOME")" -ge 24 ]; then
    QUIET_JVM_OPTIONS+=(--sun-misc-unsafe-memory-access=allow)
    # Maven's own libraries (Guava) use it too.
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
