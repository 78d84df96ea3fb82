package dev.streamctl.gateway.hook.web;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Serves the SRS callbacks as routes of Reactor Netty itself, ahead of Spring WebFlux
 * (which serves the actuator on the same port). A hook is then one parse, one hand-off to
 * the publisher and one write, with no framework dispatch, filter chain or request
 * observation on the way: at thousands of hooks per second that per-request work, and a
 * thread parked per waiting hook, were most of the gateway's CPU (docs/benchmarks.md).
 * Hooks are measured by {@code gateway.hooks} and heartbeats by
 * {@code gateway.heartbeats} instead of {@code http.server.requests}.
 */
@Component
class SrsCallbackRoutes implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory> {

	private final HookEndpoint hooks;

	private final ForwardEndpoint forwards;

	private final HeartbeatEndpoint heartbeats;

	SrsCallbackRoutes(HookEndpoint hooks, ForwardEndpoint forwards, HeartbeatEndpoint heartbeats) {
		this.hooks = hooks;
		this.forwards = forwards;
		this.heartbeats = heartbeats;
	}

	@Override
	public void customize(NettyReactiveWebServerFactory factory) {
		factory.addRouteProviders(routes -> routes.post(HookEndpoint.PATH, this.hooks::handle)
			.post(ForwardEndpoint.PATH, this.forwards::handle)
			.post(HeartbeatEndpoint.PATH, this.heartbeats::handle)
			.post(HeartbeatEndpoint.SECRET_PATH, this.heartbeats::handle));
	}

}
