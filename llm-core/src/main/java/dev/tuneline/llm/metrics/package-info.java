/**
 * Evaluation metrics.
 * <ul>
 *   <li>{@link dev.tuneline.llm.metrics.SacreBleu}: BLEU identical to sacreBLEU 2.6.0 (and so to
 *       {@code evaluate.load("sacrebleu")}, which calls it): 0..100, tokenizers 13a/intl/char/none, smoothing
 *       exp/floor/add-k/none, signature and score line. Use it for anything reported as "BLEU".</li>
 *   <li>{@link dev.tuneline.llm.metrics.HfBleu}: {@code evaluate.load("bleu")}, 0..1, shortest reference length,
 *       add-one smoothing; only for comparing with numbers produced that way.</li>
 *   <li>{@link dev.tuneline.llm.metrics.Chrf}: sacreBLEU's chrF / chrF++.</li>
 *   <li>{@link dev.tuneline.llm.metrics.WinRate}: win/tie/loss rates and reward-model pair accuracy with
 *       Wilson 95 % intervals.</li>
 *   <li>{@link dev.tuneline.llm.metrics.BleuCli}: the logic of {@code tuneline bleu -i HYP REF...}.</li>
 * </ul>
 * All metric objects are immutable and safe to share between threads.
 */
package dev.tuneline.llm.metrics;
