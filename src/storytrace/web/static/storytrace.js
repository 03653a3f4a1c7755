// storytrace: keyboard navigation from change to change on diff pages. No inline scripts anywhere (the
// Content-Security-Policy allows scripts from /static only); this file reads the page, it never builds HTML.
(function () {
  "use strict";

  function stops() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-change]"));
  }

  function firstBelowTop(list) {
    for (var i = 0; i < list.length; i += 1) {
      if (list[i].getBoundingClientRect().bottom > 0) {
        return i;
      }
    }
    return list.length;
  }

  function go(step) {
    var list = stops();
    if (!list.length) {
      return;
    }
    var at = -1;
    for (var i = 0; i < list.length; i += 1) {
      if (list[i].classList.contains("current")) {
        at = i;
      }
    }
    var next;
    if (at === -1) {
      var below = firstBelowTop(list);
      next = step > 0 ? below : below - 1;
    } else {
      next = at + step;
    }
    next = Math.max(0, Math.min(list.length - 1, next));
    list.forEach(function (el) { el.classList.remove("current"); });
    var target = list[next];
    target.classList.add("current");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
    if (target.id && window.history && window.history.replaceState) {
      window.history.replaceState(window.history.state, "", "#" + target.id);
    }
    var position = document.querySelector("[data-change-position]");
    if (position) {
      position.textContent = "Change " + (next + 1) + " of " + list.length;
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    if (event.key === "j" || event.key === "n") {
      go(1);
      event.preventDefault();
    } else if (event.key === "k" || event.key === "p") {
      go(-1);
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("[data-go]") : null;
    if (button) {
      go(button.getAttribute("data-go") === "next" ? 1 : -1);
    }
  });
}());
