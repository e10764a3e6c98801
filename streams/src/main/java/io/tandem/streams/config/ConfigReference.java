package io.tandem.streams.config;

import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Renders the reference of every Tandem setting from {@link TandemConfigDef}, so documentation
 * cannot drift from the validation. Used by {@code tandem config --list} and pasted into the
 * README. Thread-safe (stateless).
 */
public final class ConfigReference {

  private ConfigReference() {}

  /**
   * A Markdown table: key, type, default, valid values, description; fixed keys first, then the
   * per-task keys with a {@code <name>} placeholder, then a note on {@code model.*} and
   * pass-through Kafka keys.
   */
  public static String markdownTable() {
    Map<String, String> defaults = TandemConfigDef.defaultValues();
    StringBuilder sb = new StringBuilder();
    sb.append("| Key | Type | Default | Valid values | Description |\n");
    sb.append("|---|---|---|---|---|\n");
    for (ConfigDef.ConfigKey key : TandemConfigDef.referenceKeys()) {
      String def = defaults.get(key.name);
      if (def == null && key.hasDefault() && key.defaultValue != null) {
        def = ConfigDef.convertToString(key.defaultValue, key.type);
      }
      if (def == null) {
        def = key.hasDefault() ? "(unset)" : "(required)";
      }
      sb.append("| `").append(key.name).append("` | ")
          .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
          .append(def.isEmpty() ? "\"\"" : "`" + def + "`").append(" | ")
          .append(cell(key.validator == null ? "" : key.validator.toString())).append(" | ")
          .append(cell(key.documentation)).append(" |\n");
    }
    sb.append("| `model.*` | | | | Model settings, handed to the model (architecture, embedding.dim, optimizer, "
        + "learning rates, weighting, seed, ...). |\n");
    sb.append("| any other key | | | | A Kafka Streams / client setting (`bootstrap.servers`, "
        + "`processing.guarantee`, `security.protocol`, `sasl.*`, `ssl.*`, ...), passed to Kafka untouched. |\n");
    return sb.toString();
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace('\n', ' ');
  }
}
