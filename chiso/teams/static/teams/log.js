/* The team leader's phone page: a log is kept on the phone (localStorage) and sent to POST /api/v1/teams/logs
   when there is a connection, once: each log carries its own client_id, so sending it again after a lost
   answer gives back the same log (200) instead of a second one. No inline script (the CSP forbids it). */
(function () {
  "use strict";
  const app = document.getElementById("app");
  if (!app) return;
  const form = document.getElementById("log-form");
  const user = app.dataset.user || "";
  const QUEUE = "chiso-teams-queue:" + user;
  const SENT = "chiso-teams-sent:" + user;
  const names = {};
  const template = document.getElementById("activity-names");
  (template ? template.content.querySelectorAll("span") : []).forEach(function (span) {
    names[span.dataset.element] = span.textContent;
  });
  let sending = false;

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function write(key, items) { localStorage.setItem(key, JSON.stringify(items)); }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrf() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function day(text) {
    const p = (text || "").split("-");
    return p.length === 3 ? p[2] + "/" + p[1] + "/" + p[0] : text;
  }

  function describe(item) {
    return Object.keys(item.activities).map(function (code) {
      return (names[code] || code) + ": " + item.activities[code].toLocaleString("vi-VN");
    }).join("; ");
  }

  const STATES = {submitted: "Chờ cán bộ duyệt", approved: "Đã duyệt", issues: "Cần sửa", rejected: "Không duyệt"};

  function row(item, extra) {
    const li = document.createElement("li");
    const head = document.createElement("strong");
    head.textContent = day(item.date);
    const body = document.createElement("span");
    body.textContent = " " + describe(item);
    li.append(head, body);
    if (extra) {
      const tail = document.createElement("span");
      tail.className = "log-state";
      tail.textContent = extra;
      li.append(tail);
    }
    return li;
  }

  function render() {
    const queue = read(QUEUE);
    const list = document.getElementById("queue");
    const sent = document.getElementById("sent");
    if (!list) return;
    list.replaceChildren.apply(list, queue.map(function (item) {
      const waiting = item.log ? "Đã gửi nhật ký #" + item.log + ", chờ gửi ảnh" : "Chờ có mạng để gửi";
      return row(item, item.error ? "Chưa gửi được: " + item.error : waiting + (item.photo && !item.log ? " (kèm ảnh)" : ""));
    }));
    document.getElementById("queue-count").textContent = "(" + queue.length + ")";
    sent.replaceChildren.apply(sent, read(SENT).map(function (item) {
      let state = STATES[item.status] || item.status;
      if (item.duplicate) state += " · có thể trùng nhật ký #" + item.duplicate;
      if (item.photoError) state += " · ảnh chưa gửi được: " + item.photoError;
      return row(item, "#" + item.id + " · " + state);
    }));
  }

  function showNet() {
    const net = document.getElementById("net");
    net.textContent = navigator.onLine ? "Có mạng" : "Mất mạng: nhật ký được giữ trên điện thoại";
    net.className = "net " + (navigator.onLine ? "net-on" : "net-off");
  }

  function remember(item, answer) {
    const sent = read(SENT).filter(function (s) { return s.client_id !== item.client_id; });
    sent.unshift({client_id: item.client_id, date: answer.date, activities: answer.activities, id: answer.id,
                  status: answer.status, duplicate: answer.possible_duplicate_of});
    write(SENT, sent.slice(0, 15));
  }

  async function flush() {
    if (sending || !navigator.onLine) return;
    sending = true;
    try {
      let queue = read(QUEUE);
      for (const item of queue.slice()) {
        if (!navigator.onLine) break;
        if (item.log) {  // the log arrived before; only its photo is left to send
          if (await sendPhoto(item)) queue = read(QUEUE).filter(function (q) { return q.client_id !== item.client_id; });
          else break;
          write(QUEUE, queue);
          continue;
        }
        let response;
        try {
          response = await fetch(app.dataset.api, {
            method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json"},
            body: JSON.stringify({client_id: item.client_id, team: item.team, date: item.date,
                                  activities: item.activities, note: item.note, location: item.location || null}),
          });
        } catch (e) {
          break;  // no connection after all: try again later, nothing lost
        }
        const answer = await response.json().catch(function () { return {}; });
        queue = read(QUEUE);
        if (response.status === 200 || response.status === 201) {
          remember(item, answer);
          if (item.photo) {
            item.log = answer.id;
            queue.forEach(function (q) { if (q.client_id === item.client_id) q.log = answer.id; });
            write(QUEUE, queue);
            if (!(await sendPhoto(item))) break;
            queue = read(QUEUE);
          }
          queue = queue.filter(function (q) { return q.client_id !== item.client_id; });
        } else if (response.status === 401 || response.status === 403 && !answer.field) {
          queue.forEach(function (q) { if (q.client_id === item.client_id) q.error = "đăng nhập lại rồi bấm Gửi ngay."; });
          write(QUEUE, queue);
          break;
        } else if (response.status >= 500 || response.status === 429) {
          break;
        } else {
          queue.forEach(function (q) {
            if (q.client_id === item.client_id) q.error = answer.detail || ("lỗi " + response.status);
          });
        }
        write(QUEUE, queue);
        render();
      }
    } finally {
      sending = false;
      render();
    }
  }

  /* The photo of a log already sent: true when done (stored, or refused for good), false to try again later. */
  async function sendPhoto(item) {
    const data = new FormData();
    const [head, body] = item.photo.split(",");  // a data: URL (fetching it would break the CSP's connect-src)
    const bytes = Uint8Array.from(atob(body), function (c) { return c.charCodeAt(0); });
    const blob = new Blob([bytes], {type: head.slice(5).split(";")[0]});
    data.append("photo", blob, "anh.jpg");
    data.append("not_id_document", "true");
    let response;
    try {
      response = await fetch(app.dataset.api + "/" + item.log + "/photo", {
        method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrf(), "Accept": "application/json"},
        body: data});
    } catch (e) {
      return false;
    }
    if (response.status >= 500 || response.status === 429) return false;
    if (!response.ok) {
      const answer = await response.json().catch(function () { return {}; });
      const sent = read(SENT);
      sent.forEach(function (s) { if (s.id === item.log) s.photoError = answer.detail || String(response.status); });
      write(SENT, sent);
    }
    return true;
  }

  /* A photo made smaller on the phone (at most 1280 px, JPEG): small enough to wait in localStorage, and
     re-encoding drops the camera's metadata (place, time). */
  function shrink(file) {
    return new Promise(function (resolve, reject) {
      const reader = new FileReader();
      reader.onload = function () {
        const image = new Image();
        image.onload = function () {
          const scale = Math.min(1, 1280 / Math.max(image.width, image.height));
          const canvas = document.createElement("canvas");
          canvas.width = Math.round(image.width * scale);
          canvas.height = Math.round(image.height * scale);
          canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", 0.8));
        };
        image.onerror = reject;
        image.src = reader.result;
      };
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }

  function position() {
    return new Promise(function (resolve) {
      if (!document.getElementById("with-location").checked || !navigator.geolocation) return resolve(null);
      navigator.geolocation.getCurrentPosition(function (p) {
        resolve({lat: p.coords.latitude, lon: p.coords.longitude, accuracy_m: Math.round(p.coords.accuracy)});
      }, function () { resolve(null); }, {timeout: 8000, maximumAge: 60000});
    });
  }

  function fail(message) {
    const box = document.getElementById("form-error");
    box.textContent = message;
    box.hidden = !message;
  }

  if (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      fail("");
      const activities = {};
      let bad = "";
      form.querySelectorAll("input[data-element]").forEach(function (input) {
        const text = input.value.trim();
        if (!text) return;
        const n = Number(text);
        if (!Number.isInteger(n) || n < 0 || n > 5000) bad = (names[input.dataset.element] || "") + ": số nguyên từ 0 đến 5.000.";
        else if (n > 0) activities[input.dataset.element] = n;
      });
      if (bad) return fail(bad);
      if (!Object.keys(activities).length) return fail("Điền ít nhất một số lượng.");
      const date = document.getElementById("date").value;
      if (!date) return fail("Chọn ngày.");
      const file = document.getElementById("photo").files[0];
      if (file && !document.getElementById("not-id").checked) {
        return fail("Đánh dấu ô “Ảnh không chụp giấy tờ tùy thân” trước khi lưu, hoặc bỏ ảnh.");
      }
      let photo = null;
      if (file) {
        try { photo = await shrink(file); } catch (e) { return fail("Không đọc được ảnh này: chọn ảnh khác."); }
      }
      const item = {client_id: uuid(), photo: photo, team: document.getElementById("team").value, date: date, activities: activities,
                    note: document.getElementById("note").value.trim(), location: await position(),
                    queued_at: new Date().toISOString()};
      const queue = read(QUEUE);
      queue.push(item);
      try {
        write(QUEUE, queue);
      } catch (e) {
        return fail("Bộ nhớ của trang đã đầy: gửi các nhật ký đang chờ (khi có mạng) rồi lưu tiếp, hoặc bỏ ảnh.");
      }
      document.getElementById("photo").value = "";
      document.getElementById("photo-name").textContent = "Chưa chọn ảnh";
      document.getElementById("not-id").checked = false;
      form.querySelectorAll("input[data-element]").forEach(function (input) { input.value = ""; });
      document.getElementById("note").value = "";
      render();
      flush();
    });
    form.querySelectorAll("button.step").forEach(function (button) {
      button.addEventListener("click", function () {
        const input = document.getElementById(button.dataset.for);
        const n = Math.max(0, Math.min(5000, (parseInt(input.value, 10) || 0) + Number(button.dataset.step)));
        input.value = n ? String(n) : "";
      });
    });
  }
  const picker = document.getElementById("photo");
  if (picker) {
    picker.addEventListener("change", function () {
      document.getElementById("photo-name").textContent = picker.files[0] ? picker.files[0].name : "Chưa chọn ảnh";
    });
  }
  const now = document.getElementById("send-now");
  if (now) now.addEventListener("click", flush);
  const share = document.getElementById("share");
  if (share) {
    share.addEventListener("click", function () {
      const text = share.dataset.text;
      if (navigator.share) { navigator.share({text: text}).catch(function () {}); return; }
      const field = document.getElementById("share-link");
      field.select();
      (navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.reject()).then(function () {
        share.textContent = "Đã chép";
      }, function () { document.execCommand("copy"); share.textContent = "Đã chép"; });
    });
  }
  window.addEventListener("online", function () { showNet(); flush(); });
  window.addEventListener("offline", showNet);
  setInterval(flush, 20000);
  showNet();
  render();
  flush();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(app.dataset.sw, {scope: app.dataset.scope}).catch(function () {});
  }
})();
