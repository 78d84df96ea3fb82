package dev.streamctl.status.config;

import dev.streamctl.common.test.ConfigurationDocumentationContract;

/**
 * docs/configuration.md documents every setting of the status-worker, with its default
 * and environment variable.
 */
class ConfigurationDocumentationTest extends ConfigurationDocumentationContract {

	ConfigurationDocumentationTest() {
		super("status-worker");
	}

}
