package dev.portico.plugins.headers;

import dev.portico.spi.Template;
import java.util.List;

/**
 * What the {@code headers} policy changes, bound once when the configuration is loaded.
 *
 * @param request the changes to the request sent to the backend
 * @param response the changes to the response sent to the client
 */
public record HeadersConfig(Changes request, Changes response) {

  /**
   * The changes to one side's headers, applied in this order: remove, set, add.
   *
   * @param remove names of the headers to remove
   * @param set headers whose every value is replaced by the rendered template
   * @param add headers given one more value, the rendered template
   */
  public record Changes(List<String> remove, List<Header> set, List<Header> add) {

    public static final Changes NONE = new Changes(List.of(), List.of(), List.of());

    public Changes {
      remove = List.copyOf(remove);
      set = List.copyOf(set);
      add = List.copyOf(add);
    }

    /** True when there is nothing to do on this side. */
    public boolean isEmpty() {
      return remove.isEmpty() && set.isEmpty() && add.isEmpty();
    }
  }

  /** A header name and the template of its value. */
  public record Header(String name, Template value) {}
}
