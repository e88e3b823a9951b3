/**
 * The exceptions a user can cause, all {@link io.sparkllama.engine.error.SparkLlamaException}s:
 * one type per format or failure kind, each with a one-line message naming the file and the
 * field, tensor or request, and what to do.
 */
package io.sparkllama.engine.error;
