@NullMarked
package dev.streamctl.gateway.delivery;

import org.jspecify.annotations.NullMarked;
