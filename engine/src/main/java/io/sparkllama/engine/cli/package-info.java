/**
 * The local command line, {@code bin/llama} ({@link io.sparkllama.engine.cli.LlamaCli}):
 * tokenize, generate, chat and score one request without Spark, human-readable or as one JSON
 * object.
 */
package io.sparkllama.engine.cli;
