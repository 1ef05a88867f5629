// Quick exit: leave for the neutral site with location.replace, so Back does not return here.
(function () {
  var exit = document.querySelector("[data-ih-exit]");
  if (!exit) return;
  function leave(event) {
    if (event) event.preventDefault();
    document.body.style.visibility = "hidden";
    window.location.replace(exit.href);
  }
  exit.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") leave(event);
  });
})();
