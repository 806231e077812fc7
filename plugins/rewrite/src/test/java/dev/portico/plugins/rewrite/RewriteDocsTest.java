package dev.portico.plugins.rewrite;

import dev.portico.gateway.testing.ConfigurationDocs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example of docs/CONFIGURATION.md's rewrite section does what the text around it says. */
class RewriteDocsTest {

  @Test
  void theDocumentedExampleSendsTheDocumentedBackendUri() {
    List<String> examples = ConfigurationDocs.yamlBlocks("## 14a.");
    assertEquals(1, examples.size());
    try (Backend backend = Backend.start();
        TestGateway gw = TestGateway.start(examples.get(0).replace("http://127.0.0.1:9000", backend.url()))) {
      HttpResponse<String> pets = Client.get(gw, "/shop/pets/7?q=blue&debug=1&page=2", "X-Request-Id", "r-1");
      assertEquals(200, pets.statusCode(), pets::body);
      assertEquals("/v2/animals/7?source=portico&page=2&search=blue&requestId=r-1", backend.nextRequest().uri());

      HttpResponse<String> files = Client.get(gw, "/shop/files/img/logo.png");
      assertEquals(200, files.statusCode(), files::body);
      assertEquals("/storage/public/img/logo.png", backend.nextRequest().uri());
    }
  }
}
