package dev.portico.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An address block such as {@code 10.0.0.0/8} or {@code ::1/128}; a bare address is a block of one. */
public final class Cidr {

  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /** Parses a block; throws IllegalArgumentException with a readable message if malformed. */
  public static Cidr parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    if (addr.isEmpty() || (addr.indexOf('.') < 0 && addr.indexOf(':') < 0) || !addr.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
      throw new IllegalArgumentException("not an IP address block: '" + text + "'");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(addr).getAddress(); // a literal: no lookup happens
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address block: '" + text + "'");
    }
    int prefix = bytes.length * 8;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not an IP address block: '" + text + "'");
      }
      if (prefix < 0 || prefix > bytes.length * 8) {
        throw new IllegalArgumentException("prefix length out of range in '" + text + "'");
      }
    }
    return new Cidr(mask(bytes, prefix), prefix, s);
  }

  /** Whether a literal address (as Vert.x reports a peer's host) lies in this block. */
  public boolean contains(String address) {
    byte[] bytes = literal(address);
    if (bytes == null) {
      return false;
    }
    if (bytes.length != network.length) {
      // an IPv4-mapped IPv6 address (::ffff:a.b.c.d) against an IPv4 block
      if (bytes.length == 16 && network.length == 4 && isV4Mapped(bytes)) {
        bytes = Arrays.copyOfRange(bytes, 12, 16);
      } else {
        return false;
      }
    }
    return Arrays.equals(mask(bytes, prefix), network);
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  /** The bytes of a literal IPv4 or IPv6 address, or null when it is not one (never a DNS lookup). */
  static byte[] literal(String address) {
    if (address == null || address.isEmpty()) {
      return null;
    }
    String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    if (a.indexOf('.') < 0 && a.indexOf(':') < 0) {
      return null; // not a literal: InetAddress would look the name up
    }
    for (int i = 0; i < a.length(); i++) {
      char c = a.charAt(i);
      if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%')) {
        return null;
      }
    }
    try {
      return InetAddress.getByName(a).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - bits)));
    }
    return out;
  }

  @Override
  public String toString() {
    return text;
  }
}
