// What the console shows besides the desk: the link to the service-level reports for the lead
// agency and admins, and, for someone whose roles do not include the desk, a short panel that
// says so instead of an empty desk. Loaded before console.js, which calls it with the shared helpers.
(window.GpkiConsoleParts = window.GpkiConsoleParts || []).push(function (C) {
  'use strict';
  var $ = C.$;
  var showSignIn = C.showSignIn;
  C.showSignIn = function () {
    showSignIn();
    $('reports-link').hidden = true;
    $('areas').hidden = true;
  };
  /** After sign-in: shows the areas the person's roles allow; true when the desk is not one of them. */
  C.enterAreas = function (person) {
    var reports = C.areas.indexOf('reports') >= 0;
    $('reports-link').hidden = !reports;
    $('areas-reports').hidden = !reports;
    // Opened from the reports page without a session: back there once signed in.
    if (reports && /[?&]next=reports(&|$)/.test(location.search)) { location.assign('/console/reports'); return true; }
    if (C.areas.indexOf('desk') >= 0) return false;
    $('signin').hidden = true;
    $('desk').hidden = true;
    $('who').hidden = false;
    C.text($('agent-name'), person.name);
    $('areas').hidden = false;
    return true;
  };
});
