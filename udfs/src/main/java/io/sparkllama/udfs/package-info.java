/**
 * The Spark side of inference: the driver resolves and hashes a model into a broadcast {@link
 * io.sparkllama.udfs.ModelHandle}, each executor delivers, checks and maps it once ({@link
 * io.sparkllama.udfs.ExecutorModels}), and the jobs' {@code mapPartitions} functions ({@link
 * io.sparkllama.udfs.GenerateRows}, {@link io.sparkllama.udfs.ScoreRows}, {@link
 * io.sparkllama.udfs.LoglikelihoodRows}, and the sweep cells' rows) run micro-batches of rows
 * through an engine session; the DataFrame API and the SQL extension start here too.
 */
package io.sparkllama.udfs;
