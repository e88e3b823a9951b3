/**
 * Evaluation tasks (ARC, PIQA, HellaSwag, WinoGrande, LAMBADA, exact match): each task file read
 * as published and turned into lm-evaluation-harness requests, and per-item outcomes turned into
 * metrics with standard errors.
 */
package io.sparkllama.datasets.tasks;
