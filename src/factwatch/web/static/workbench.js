// The analysts' workbench: keys for the review queue and the copy buttons of the drafts.
// Loaded as a file because the Content-Security-Policy forbids inline script. Everything here
// works on forms and text boxes the server rendered; without this file the page still works.
(function () {
  "use strict";

  // -- review queue: j/k move, c confirm, r reject, n note -----------------------------------
  function items() {
    return Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  }

  function current() {
    return document.querySelector(".queue-item.selected");
  }

  function select(item) {
    var old = current();
    if (old) old.classList.remove("selected");
    if (!item) return;
    item.classList.add("selected");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = items();
    if (!all.length) return;
    var at = all.indexOf(current());
    // Past either end of a paged queue: the next or previous page (its last item when going back).
    var page = document.querySelector(".queue-pager a[rel=\"" + (step > 0 ? "next" : "prev") + "\"]");
    if (page && at >= 0 && at + step >= all.length) { window.location.assign(page.href); return; }
    if (page && at >= 0 && at + step < 0) { window.location.assign(page.href + "#last"); return; }
    var next = at < 0 ? 0 : Math.min(all.length - 1, Math.max(0, at + step));
    select(all[next]);
  }

  function decide(item, decision) {
    var form = item && item.querySelector("form.decide");
    if (!form) return;
    var button = form.querySelector('button[value="' + decision + '"]');
    if (form.requestSubmit) form.requestSubmit(button);
    else button.click();
  }

  function typing(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
                      target.isContentEditable);
  }

  function onQueueKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (typing(target)) {
      // In a note: Enter confirms (the form's first submit button), Esc goes back to the list.
      if (event.key === "Escape" && target.closest(".queue-item")) {
        target.blur();
        select(target.closest(".queue-item"));
        event.preventDefault();
      }
      return;
    }
    var item = current();
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "c": if (item) decide(item, "confirmed"); else return; break;
      case "r": if (item) decide(item, "rejected"); else return; break;
      case "n":
        if (!item) return;
        var note = item.querySelector('input[name="note"]');
        if (note) note.focus();
        break;
      default: return;
    }
    event.preventDefault();
  }

  if (document.getElementById("queue")) {
    document.addEventListener("keydown", onQueueKey);
    document.getElementById("queue").addEventListener("click", function (event) {
      var item = event.target.closest(".queue-item");
      if (item && !typing(event.target) && event.target.tagName !== "BUTTON") select(item);
    });
    var listed = items();
    select(window.location.hash === "#last" ? listed[listed.length - 1] : listed[0]);
  }

  // -- copy buttons: copy the text box they name, as the analyst edited it --------------------
  function copied(button, ok) {
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    // The page gives the words in its interface language (data-copied, data-copy-failed).
    button.textContent = ok ? (button.getAttribute("data-copied") || "Copied")
                            : (button.getAttribute("data-copy-failed") || "Select and copy by hand");
    button.classList.toggle("copied", ok);
    window.setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 2000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    event.preventDefault();
    var box = document.getElementById(button.getAttribute("data-copy"));
    if (!box) return;
    var text = box.value !== undefined ? box.value : box.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button, true); },
                                               function () { fallback(box, button); });
    } else {
      fallback(box, button);
    }
  });

  function fallback(box, button) {
    // Plain http on a LAN name is not a secure context: select the text and use the old command.
    var ok = false;
    if (box.select) {
      box.focus();
      box.select();
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    }
    copied(button, ok);
  }

  // -- short draft: characters left of 280 -------------------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-max]"), function (box) {
    var out = document.getElementById(box.id + "-count");
    if (!out) return;
    var max = parseInt(box.getAttribute("data-max"), 10);
    function update() {
      var left = max - box.value.length;
      out.textContent = left + " characters left";
      out.classList.toggle("over", left < 0);
    }
    box.addEventListener("input", update);
    update();
  });
})();
