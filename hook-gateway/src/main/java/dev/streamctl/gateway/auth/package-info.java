@NullMarked
package dev.streamctl.gateway.auth;

import org.jspecify.annotations.NullMarked;
