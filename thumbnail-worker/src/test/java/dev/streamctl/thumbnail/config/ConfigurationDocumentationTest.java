package dev.streamctl.thumbnail.config;

import dev.streamctl.common.test.ConfigurationDocumentationContract;

/**
 * docs/configuration.md documents every setting of the thumbnail-worker, with its default
 * and environment variable.
 */
class ConfigurationDocumentationTest extends ConfigurationDocumentationContract {

	ConfigurationDocumentationTest() {
		super("thumbnail-worker");
	}

}
