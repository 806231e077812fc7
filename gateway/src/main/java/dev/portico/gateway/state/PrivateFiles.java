package dev.portico.gateway.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * {@code data/} holds definitions with their secrets (keys, tokens), so only the gateway's own user
 * may read it: the directory is created {@code 0700}, files {@code 0600}. Where the file system has
 * no POSIX permissions (Windows), files get its defaults.
 */
public final class PrivateFiles {

  private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /**
   * Creates {@code dir} {@code 0700} when it does not exist (its missing parents as any directory);
   * an existing one keeps the permissions its owner gave it.
   */
  public static void createDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      if (posix(dir)) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
        exactly(dir, OWNER_DIRECTORY);
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /**
   * A new, empty file {@code 0600} open for writing, replacing any file of that name. The
   * permissions are the file's from its creation, before a byte is written, so no other user can
   * open it in between.
   */
  static FileChannel create(Path file) throws IOException {
    // a temporary file left by a crash may have been made by anyone: start from a new one
    Files.deleteIfExists(file);
    if (!posix(file)) {
      return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }
    FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_FILE);
    FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly);
    exactly(file, OWNER_FILE);
    return channel;
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /**
   * The umask can only take permissions away; a strict one (0277) would leave the owner unable to
   * write the file next time, so the permissions are set again. A volume that refuses (a FAT disk
   * mounted on Linux) keeps what the creation gave.
   */
  private static void exactly(Path path, Set<PosixFilePermission> permissions) {
    try {
      Files.setPosixFilePermissions(path, permissions);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort: created with no more than these
    }
  }
}
