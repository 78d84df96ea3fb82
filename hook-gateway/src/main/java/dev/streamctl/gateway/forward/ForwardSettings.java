package dev.streamctl.gateway.forward;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The relay of every live stream to an external server (SRS's dynamic forward backend).
 *
 * @param target where streams are relayed, e.g. {@code rtmp://37.59.97.144:1935/live}
 * (the original design's); empty relays nothing
 * @param naming {@code public-name}: the relayed stream is named md5 of the channel UUID,
 * so no public URL carries the key; {@code stream-key}: the original same-name relay, key
 * included
 */
@Validated
@ConfigurationProperties("gateway.forward")
public record ForwardSettings(
		@NotNull @Pattern(regexp = "|rtmps?://[^\\s?#]+[^/\\s?#]",
				message = "must be empty or an rtmp:// URL without a trailing slash") @DefaultValue("") String target,
		@NotNull @DefaultValue("public-name") Naming naming) {

	public enum Naming {

		PUBLIC_NAME, STREAM_KEY

	}

}
