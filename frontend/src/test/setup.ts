import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { resetSubscriptions } from "../api/ws";

/**
 * jsdom has <dialog> without showModal()/close(): model what browsers do that the UI relies on
 * (the `open` attribute, Escape firing a cancelable `cancel` event, then `close`).
 */
if (typeof HTMLDialogElement !== "undefined" && typeof HTMLDialogElement.prototype.showModal !== "function") {
  const escapeListeners = new WeakMap<HTMLDialogElement, (event: KeyboardEvent) => void>();
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    if (!this.hasAttribute("open")) return;
    this.removeAttribute("open");
    const listener = escapeListeners.get(this);
    if (listener) document.removeEventListener("keydown", listener);
    this.dispatchEvent(new Event("close"));
  };
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute("open", "");
    const listener = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      const cancel = new Event("cancel", { cancelable: true });
      if (this.dispatchEvent(cancel)) this.close();
    };
    escapeListeners.set(this, listener);
    document.addEventListener("keydown", listener);
  };
}

afterEach(() => {
  cleanup();
  resetSubscriptions();
  localStorage.clear();
});
