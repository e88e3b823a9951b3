/**
 * The SQL functions {@code llama_generate}, {@code llama_chat}, {@code llama_score} and {@code llama_loglikelihood}:
 * resolved as {@link io.sparkllama.udfs.sql.LlamaCall}s, moved by an optimizer rule into a batch-
 * evaluation node below their operator, and planned as a {@code mapPartitions} over micro-
 * batches, the way Spark runs Python UDFs. The generate functions gather a row's {@code n}
 * samples into one struct ({@link io.sparkllama.udfs.sql.GeneratePartitionFunction}).
 */
package io.sparkllama.udfs.sql;
