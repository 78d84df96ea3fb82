package dev.streamctl.gateway.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

@AnalyzeClasses(packages = "dev.streamctl", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

	@ArchTest
	static final ArchRule webAdaptersDoNotTalkToTheBroker = noClasses().that()
		.resideInAPackage("..web..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("org.springframework.amqp..", "com.rabbitmq..");

	@ArchTest
	static final ArchRule deliveryKnowsNothingOfHooks = noClasses().that()
		.resideInAPackage("..gateway.delivery..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("..gateway.hook..");

	@ArchTest
	static final ArchRule eventContractHasNoSpring = noClasses().that()
		.resideInAPackage("dev.streamctl.common.event..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("org.springframework..");

	/**
	 * The broker topology is described as plain data; service-support turns it into
	 * declarations.
	 */
	@ArchTest
	static final ArchRule topologyDescriptionHasNoSpring = noClasses().that()
		.resideInAPackage("dev.streamctl.common.topology..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("org.springframework..");

	@ArchTest
	static final ArchRule gatewayDependsOnNoWorker = noClasses().that()
		.resideInAPackage("dev.streamctl.gateway..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("dev.streamctl.status..", "dev.streamctl.thumbnail..");

}
