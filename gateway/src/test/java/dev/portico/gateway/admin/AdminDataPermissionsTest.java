package dev.portico.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portico.gateway.testing.Admin;
import dev.portico.gateway.testing.ShopApi;
import dev.portico.gateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code data/} holds secrets: only the gateway's user can read what the admin API writes there. */
class AdminDataPermissionsTest {

  private static final String TOKEN = "test-admin-token";
  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  @BeforeAll
  static void posixFileSystem() {
    assumeTrue(Path.of("").getFileSystem().supportedFileAttributeViews().contains("posix"));
  }

  @Test
  void theStateFileIsWrittenOwnerOnlyInAnOwnerOnlyDirectory() throws Exception {
    Path dir = Files.createTempDirectory("portico-modes");
    try (TestGateway gw = TestGateway.startIn(dir, ShopApi.yaml(TOKEN), null)) {
      new Admin(gw.adminPort(), TOKEN).expect(200, "PUT", "/apis/shop", ShopApi.version(2));
      assertEquals(OWNER_READ_WRITE, Files.getPosixFilePermissions(dir.resolve("data/apis.json")));
      assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(dir.resolve("data")));
      new Admin(gw.adminPort(), TOKEN).expect(201, "POST", "/apis/shop/deployments", "{\"stage\": \"prod\"}");
      assertEquals(OWNER_READ_WRITE, Files.getPosixFilePermissions(dir.resolve("data/apis.json")));
    }
  }

  @Test
  void aStateFileOthersCouldReadIsTightenedByTheNextWrite() throws Exception {
    Path dir = Files.createTempDirectory("portico-modes");
    Path data = Files.createDirectory(dir.resolve("data"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (TestGateway gw = TestGateway.startIn(dir, ShopApi.yaml(TOKEN), null)) {
      new Admin(gw.adminPort(), TOKEN).expect(200, "PUT", "/apis/shop", ShopApi.version(2));
    }
    Path state = data.resolve("apis.json");
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rw-rw-rw-"));
    // a temporary file left behind by a crash, which anyone could have opened
    Path temp = Files.writeString(data.resolve("apis.json.tmp"), "{}");
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-rw-rw-"));

    try (TestGateway gw = TestGateway.startIn(dir, ShopApi.yaml(TOKEN), null)) {
      assertEquals(2, Admin.fetch(gw.port(), "/shop/item").json().getInteger("v"));
      new Admin(gw.adminPort(), TOKEN).expect(200, "PUT", "/apis/shop", ShopApi.version(3));
    }
    assertEquals(OWNER_READ_WRITE, Files.getPosixFilePermissions(state));
    assertEquals(PosixFilePermissions.fromString("rwxr-xr-x"), Files.getPosixFilePermissions(data),
        "a data directory the operator made keeps its permissions");
  }
}
