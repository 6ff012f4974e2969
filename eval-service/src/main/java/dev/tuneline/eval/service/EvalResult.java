package dev.tuneline.eval.service;

import dev.tuneline.eval.repository.EvalExample;
import java.util.List;
import java.util.Map;

/** What an evaluation produced: metrics, a one-line summary, and the per-example records. */
public record EvalResult(Map<String, Double> metrics, String summary, List<EvalExample> examples) {
}
