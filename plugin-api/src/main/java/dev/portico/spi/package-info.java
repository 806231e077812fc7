/**
 * The Portico plugin SPI: everything a policy plugin is written against.
 *
 * <p>A plugin jar holds one or more {@link dev.portico.spi.PolicyFactory} implementations, listed in
 * {@code META-INF/services/dev.portico.spi.PolicyFactory}. The gateway finds them with
 * {@link java.util.ServiceLoader}, asks each to {@linkplain dev.portico.spi.PolicyFactory#parse parse}
 * its configuration when the configuration is loaded, and {@linkplain
 * dev.portico.spi.PolicyFactory#create creates} one {@link dev.portico.spi.Policy} per distinct
 * configuration. A policy is one of three kinds:
 *
 * <ul>
 *   <li>{@link dev.portico.spi.Authorizer}: sets the principal, or rejects (401/403);</li>
 *   <li>{@link dev.portico.spi.Throttler}: admits or rejects with a retry time (429);</li>
 *   <li>{@link dev.portico.spi.Transformer}: rewrites the request before the backend and/or the
 *       response after it.</li>
 * </ul>
 *
 * <p>Per request, the gateway runs them in this order (an onion): transformers'
 * {@code onMatch} (right after the path matched), authorizers, throttlers, transformers'
 * {@code onRequest}, the integration, then transformers' {@code onResponse} in reverse order.
 * Within a kind, API-level policies run before route-level ones, each in file order.
 *
 * <p>Values a configuration computes per request ({@code ${principal.sub}},
 * {@code ${request.header.X-Tenant!}}, ...) are written in one language, {@link dev.portico.spi.Template},
 * parsed when the configuration is loaded and rendered in the hooks.
 *
 * <p>Every hook is asynchronous and runs on a Vert.x event loop: it must never block. A hook
 * <em>denies</em> a request by failing its future with a {@link dev.portico.spi.Rejection} (an
 * expected outcome, answered with its status); any other failure is a bug in the plugin, answered
 * 500, logged with the plugin's name, and the gateway keeps serving.
 */
package dev.portico.spi;
