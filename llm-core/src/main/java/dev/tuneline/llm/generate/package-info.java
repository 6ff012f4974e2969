/**
 * Text generation with HuggingFace's decoding options: {@link dev.tuneline.llm.generate.Generator},
 * {@link dev.tuneline.llm.generate.GenerationConfig}, {@link dev.tuneline.llm.generate.Generation}.
 */
package dev.tuneline.llm.generate;
