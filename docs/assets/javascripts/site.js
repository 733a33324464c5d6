// On every page: the header's search form opens the search page with the query in the fragment
// (#q=...), so that what a reader types is never part of a request to the server.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-site-search]")) return;
  event.preventDefault();
  var input = form.querySelector("input[type=search]");
  var target = new URL(form.getAttribute("action"), window.location.href);
  target.hash = "q=" + encodeURIComponent(input.value);
  window.location.assign(target.href);
});
