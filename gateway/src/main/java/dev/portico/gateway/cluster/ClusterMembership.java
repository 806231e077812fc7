package dev.portico.gateway.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joining the Hazelcast cluster ({@code --cluster}, {@code conf/hazelcast.yaml}): Vert.x is built
 * clustered, and the member's Hazelcast instance is what the cluster shares through — the API
 * state ({@link ClusterStateStore}) and the counters ({@code counters.HazelcastCounterStore}).
 * Leaving is closing that Vert.x.
 */
public final class ClusterMembership {

  private static final Logger log = LoggerFactory.getLogger(ClusterMembership.class);

  /** A member of the cluster: its clustered Vert.x and its Hazelcast instance. */
  public record Joined(Vertx vertx, HazelcastInstance hazelcast) {}

  private ClusterMembership() {}

  /** Joins the cluster described by {@code hazelcastConfig}; the future fails with a sentence saying why not. */
  public static Future<Joined> join(VertxBuilder builder, Path hazelcastConfig) {
    HazelcastClusterManager cluster;
    try {
      cluster = new HazelcastClusterManager(Config.loadFromFile(hazelcastConfig.toFile()));
    } catch (Exception e) {
      return Future.failedFuture(new IllegalStateException(
          "cannot read the cluster configuration " + hazelcastConfig + ": " + e.getMessage(), e));
    }
    return builder.withClusterManager(cluster).buildClustered()
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot join the cluster: " + e.getMessage(), e)))
        .map(vertx -> {
          log.info("joined the cluster '{}' as {} ({} members)", cluster.getHazelcastInstance().getConfig().getClusterName(),
              cluster.getNodeId(), cluster.getNodes().size());
          return new Joined(vertx, cluster.getHazelcastInstance());
        });
  }
}
