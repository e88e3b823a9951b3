/**
 * The driver's one streamed pass over an input's files before any work ({@link
 * io.sparkllama.datasets.scan.InputScan}): each file's sha256, and for text formats the UTF-8,
 * CSV-quote and JSON-line checks that Spark's readers would otherwise turn into wrong rows or
 * stack traces.
 */
package io.sparkllama.datasets.scan;
