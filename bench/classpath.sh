# Sourced by the bench scripts (run from the repository root): builds ml and its test classes offline
# and prints the classpath of ml's test scope (project classes first).
ml_test_classpath() {
  local out="$1"
  mkdir -p "$out"
  mvn -B -q -o -pl ml -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/$out/cp.txt" -Dmdep.includeScope=test >/dev/null
  echo "ml/target/test-classes:ml/target/classes:core/target/classes:$(cat "$out/cp.txt")"
}
