/**
 * Tandem's event contract: JSON Schemas (draft 2020-12, under {@code /schemas/} on the classpath), the Java
 * records they bind to, and validating codecs and Kafka serdes ({@link io.tandem.schemas.Codecs}).
 * Invalid input never surfaces as a raw Jackson exception: decoding yields a {@link io.tandem.schemas.Decoded}
 * value and the serde throws {@link io.tandem.schemas.InvalidRecordException} carrying a
 * {@link io.tandem.schemas.Rejection}. Labelled events and prediction requests are read by a streaming fast path
 * when they are plainly valid and through a JSON tree and the JSON Schema validator otherwise, with the same results.
 */
package io.tandem.schemas;
