package dev.streamctl.gateway.hook.web;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.streamctl.gateway.hook.HookRejectedException;
import org.jspecify.annotations.Nullable;

/** The answer SRS reads: {@code code} 0 lets the client in, anything else refuses it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record HookAnswer(int code, @Nullable String error) {

	static HookAnswer rejected(HookRejectedException ex) {
		return new HookAnswer(ex.status().value(), ex.getMessage());
	}

}
