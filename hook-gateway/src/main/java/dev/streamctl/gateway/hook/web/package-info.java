@NullMarked
package dev.streamctl.gateway.hook.web;

import org.jspecify.annotations.NullMarked;
