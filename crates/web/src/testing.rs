pub async fn spawn_demo_app() {}
