/**
 * What the SQL functions and the DataFrame API run per Spark task: a row's request and settings,
 * micro-batches through the engine on the executor's shared model, and one result per row in
 * input order, as the jobs compute it.
 */
package io.sparkllama.udfs.batch;
