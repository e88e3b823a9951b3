/**
 * Input tables: reading Parquet, JSON Lines, CSV and plain text from any Hadoop path ({@link
 * io.sparkllama.datasets.TableReader}), listing their files, checking required columns, and the
 * exceptions that name the file, line or column at fault.
 */
package io.sparkllama.datasets;
