# Shared by the bin/ scripts: picks JDK 25, the JVM flags, and builds what is missing.
# shellcheck shell=bash
SPARK_LLAMA_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
  JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
if [ ! -x "$JAVA_HOME/bin/java" ]; then
  echo "spark-llama needs JDK 25 (Temurin): not found at $JAVA_HOME; set JAVA_HOME to a JDK 25." >&2
  exit 1
fi
export JAVA_HOME
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
SPARK_LLAMA_JVM_FLAGS=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow -Dio.netty.tryReflectionSetAccessible=true
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -XX:+IgnoreUnrecognizedVMOptions)

# Builds the project (no tests) when a module's output is missing or older than its sources.
spark_llama_build_if_needed() {
  local marker="$1"
  if [ ! -f "$SPARK_LLAMA_HOME/$marker" ] || \
     [ -n "$(find "$SPARK_LLAMA_HOME" -path '*/src/main/*' -newer "$SPARK_LLAMA_HOME/$marker" -print -quit 2>/dev/null)" ] || \
     [ -n "$(find "$SPARK_LLAMA_HOME" -maxdepth 2 -name pom.xml -newer "$SPARK_LLAMA_HOME/$marker" -print -quit 2>/dev/null)" ]; then
    echo "[spark-llama] building (mvn package -DskipTests) ..." >&2
    (cd "$SPARK_LLAMA_HOME" && mvn -B -q package -DskipTests) >&2 || { echo "[spark-llama] build failed" >&2; exit 1; }
    touch "$SPARK_LLAMA_HOME/$marker"  # package leaves an unchanged classpath file old: mark the build done
  fi
}

# Builds engine and bench (mvn package -DskipTests -pl bench -am) when bench's classpath file is
# missing or older than their sources or the poms; the benchmark scripts run from target/classes.
spark_llama_build_bench_if_needed() {
  local marker="$SPARK_LLAMA_HOME/bench/target/classpath.txt"
  if [ ! -f "$marker" ] || [ -n "$(cd "$SPARK_LLAMA_HOME" && find engine/src/main bench/src/main pom.xml engine/pom.xml bench/pom.xml -newer "$marker" -print -quit)" ]; then
    echo "[spark-llama] building engine and bench (mvn package -DskipTests) ..." >&2
    (cd "$SPARK_LLAMA_HOME" && mvn -B -q -pl bench -am package -DskipTests) >&2 || { echo "[spark-llama] build failed" >&2; exit 1; }
    touch "$marker" # the plugin leaves an unchanged file alone
  fi
}
