/**
 * Writing an output safely: paths resolved so that an output never overwrites an input or the
 * model, one writer at a time through a lock file, and the rows published whole by renaming an
 * attempt directory.
 */
package io.sparkllama.jobs.output;
