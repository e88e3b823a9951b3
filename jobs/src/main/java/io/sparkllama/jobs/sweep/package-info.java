/**
 * Evaluation sweeps: a YAML file of models x tasks x settings expanded into cells, each computed
 * on the cluster and stored under its own key (so a killed sweep resumes), compared with the last
 * run that passed, and rendered as a self-contained HTML report.
 */
package io.sparkllama.jobs.sweep;
