package dev.streamctl.srs;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The SRS servers whose HTTP API says which streams are live, as both workers configure
 * them ({@code srs.*}).
 *
 * @param apis the HTTP API base URL of every SRS server (e.g. {@code http://srs:1985});
 * empty means no SRS can be asked
 * @param timeout longest wait for one page of an API
 */
@Validated
@ConfigurationProperties("srs")
public record SrsSettings(@NotNull @DefaultValue("") List<URI> apis, @NotNull @DefaultValue("3s") Duration timeout) {

}
