//! The site's templates for the pages `portal serve` renders itself (the
//! case-status form's answer and the statistics), so they look exactly like
//! the built site: same base template, same header, navigation and footer.

use crate::templates;
use crate::views::root_path;
use anyhow::{Context, Result};
use minijinja::{Environment, Value, context};
use portal_core::model::Site;
use portal_server::pages::{PageRequest, Pages};
use std::path::Path;

pub struct ServerPages {
    env: Environment<'static>,
    site: Site,
    root: String,
    lang: String,
}

impl ServerPages {
    /// Reads `content/site.toml` for the site's name, address and contacts.
    pub fn load(content: &Path) -> Result<ServerPages> {
        let path = content.join("site.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let site: Site = toml::from_str(&text)
            .with_context(|| format!("{} is not valid (run `portal check`)", path.display()))?;
        Ok(ServerPages::new(site))
    }

    pub fn new(site: Site) -> ServerPages {
        ServerPages {
            env: templates::environment(),
            root: root_path(&site.base_url),
            lang: site
                .languages
                .first()
                .cloned()
                .unwrap_or_else(|| "zh-CN".into()),
            site,
        }
    }
}

impl ServerPages {
    /// Lets the server's pages load the search index and browser app of
    /// the site in `dist`, as the built pages do.
    pub fn with_assets(mut self, dist: &Path) -> ServerPages {
        let read = |p: &str| std::fs::read(dist.join(p)).ok();
        if let Some(pointer) = read(portal_search::POINTER_FILE)
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            && let Some(m) = pointer["boot"].as_str()
        {
            self.env
                .add_global("search_boot", format!("{}{m}", self.root));
        }
        if let Some(app) = read(crate::app_files::APP_INFO)
            .and_then(|b| serde_json::from_slice::<crate::app_files::AppFiles>(&b).ok())
        {
            self.env
                .add_global("app", Value::from_serialize(app.urls(&self.root)));
        }
        self
    }
}

impl Pages for ServerPages {
    fn render(&self, page: PageRequest<'_>) -> Result<String> {
        let extra = Value::from_serialize(&page.data);
        self.env
            .get_template(page.template)?
            .render(context! {
                site => &self.site,
                root => &self.root,
                today => chrono::Local::now().date_naive().to_string(),
                title => page.title,
                path => page.path,
                canonical => format!("{}{}", self.site.base_url, page.path),
                lang => &self.lang,
                ..extra
            })
            .with_context(|| format!("cannot render {} with {}", page.path, page.template))
    }
}
