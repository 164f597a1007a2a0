/**
 * JMH benchmarks for Brigade. Each benchmark measures Brigade against a real alternative in the
 * same run; results and their machine description go to {@code perf-results/}.
 * <p>
 * Build with {@code mvn -pl engine-bench -am package -DskipTests}, run with
 * {@code java -jar engine-bench/target/benchmarks.jar}.
 */
package io.brigade.bench;
