document.querySelector("h1").title = "served with the right Content-Type";
