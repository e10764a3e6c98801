package io.tandem.streams.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeferredKeyOwnerLocatorTest {

  @Test
  void shouldBeUnknownUntilBoundThenDelegate() {
    DeferredKeyOwnerLocator locator = new DeferredKeyOwnerLocator();

    assertThat(locator.locate("u1")).isEqualTo(new KeyOwner.Unknown("instance starting"));

    locator.bind(user -> new KeyOwner.Remote("10.0.0.2", 8080));

    assertThat(locator.locate("u1")).isEqualTo(new KeyOwner.Remote("10.0.0.2", 8080));
  }

  @Test
  void shouldRefuseASecondBinding() {
    DeferredKeyOwnerLocator locator = new DeferredKeyOwnerLocator();
    locator.bind(KeyOwnerLocator.localOnly());

    assertThatThrownBy(() -> locator.bind(KeyOwnerLocator.localOnly()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("bind: this locator is already bound");
  }
}
