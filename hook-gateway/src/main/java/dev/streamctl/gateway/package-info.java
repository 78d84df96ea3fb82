@NullMarked
package dev.streamctl.gateway;

import org.jspecify.annotations.NullMarked;
