/**
 * The Spark side of inference: the driver resolves and hashes a model into a broadcast {@link
 * io.sparkllama.udfs.ModelHandle}, each executor delivers, checks and maps it once ({@link
 * io.sparkllama.udfs.ExecutorModels}), and the row functions ({@link
 * io.sparkllama.udfs.GenerateRows} streaming, {@link io.sparkllama.udfs.ScoreRows} and {@link
 * io.sparkllama.udfs.LoglikelihoodRows} packed) run a partition's rows through an engine session.
 * Every surface uses them: the DataFrame API ({@link io.sparkllama.udfs.DataFrameInference}, which
 * the jobs and the sweep call), the SQL extension ({@code sql/}) and the ML stages ({@code ml/}).
 */
package io.sparkllama.udfs;
