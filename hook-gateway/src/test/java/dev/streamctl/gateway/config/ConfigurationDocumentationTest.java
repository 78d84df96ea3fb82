package dev.streamctl.gateway.config;

import dev.streamctl.common.test.ConfigurationDocumentationContract;

/**
 * docs/configuration.md documents every setting of the hook-gateway, with its default and
 * environment variable.
 */
class ConfigurationDocumentationTest extends ConfigurationDocumentationContract {

	ConfigurationDocumentationTest() {
		super("hook-gateway");
	}

}
