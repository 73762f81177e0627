//! Markdown for each page, in the layout and wording the Terraform Registry shows.

use natsforge::framework::schema::{Attribute, AttributeType, Block, Nesting, Schema};
use natsforge::framework::value::Type;
use natsforge::framework::{Function, Provider};
use natsforge::provider::NatsProvider;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// Every page, keyed by its path under docs/.
pub fn pages(examples: &Path) -> BTreeMap<String, String> {
    let provider = NatsProvider;
    let mut pages = BTreeMap::new();
    pages.insert(
        "index.md".to_string(),
        index_page(&provider.schema(), examples),
    );
    for resource in provider.resources() {
        let name = resource.type_name();
        let example_dir = examples.join("resources").join(name);
        pages.insert(
            format!("resources/{}.md", short_name(name)),
            object_page(
                name,
                "Resource",
                resource.schema(),
                &example_dir,
                "resource.tf",
            ),
        );
    }
    for function in provider.functions() {
        pages.insert(
            format!("functions/{}.md", function.name()),
            function_page(
                function.as_ref(),
                &examples.join("functions").join(function.name()),
            ),
        );
    }
    for ephemeral in provider.ephemeral_resources() {
        let name = ephemeral.type_name();
        let example_dir = examples.join("ephemeral-resources").join(name);
        pages.insert(
            format!("ephemeral-resources/{}.md", short_name(name)),
            object_page(
                name,
                "Ephemeral Resource",
                ephemeral.schema(),
                &example_dir,
                "ephemeral-resource.tf",
            ),
        );
    }
    for action in provider.actions() {
        let name = action.type_name();
        let example_dir = examples.join("actions").join(name);
        pages.insert(
            format!("actions/{}.md", short_name(name)),
            object_page(name, "Action", action.schema(), &example_dir, "action.tf"),
        );
    }
    for data_source in provider.data_sources() {
        let name = data_source.type_name();
        let example_dir = examples.join("data-sources").join(name);
        pages.insert(
            format!("data-sources/{}.md", short_name(name)),
            object_page(
                name,
                "Data Source",
                data_source.schema(),
                &example_dir,
                "data-source.tf",
            ),
        );
    }
    pages
}

fn short_name(type_name: &str) -> &str {
    type_name.strip_prefix("nats_").unwrap_or(type_name)
}

fn front_matter(title: &str, description: &str) -> String {
    let mut text = format!("---\npage_title: \"{title}\"\nsubcategory: \"\"\ndescription: |-\n");
    for line in first_sentence(description).lines() {
        let _ = writeln!(text, "  {line}");
    }
    text.push_str("---\n\n");
    text
}

fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(end) => &text[..=end],
        None => text,
    }
}

fn example_section(path: &Path) -> String {
    match std::fs::read_to_string(path) {
        Ok(hcl) => format!(
            "## Example Usage\n\n```terraform\n{}\n```\n\n",
            hcl.trim_end()
        ),
        Err(_) => String::new(),
    }
}

fn index_page(schema: &Schema, examples: &Path) -> String {
    let mut text = front_matter("nats Provider", &schema.block.description);
    text.push_str("# nats Provider\n\n");
    text.push_str(&schema.block.description);
    text.push_str("\n\n");
    text.push_str(&example_section(
        &examples.join("provider").join("provider.tf"),
    ));
    text.push_str(&schema_section(&schema.block));
    text
}

fn object_page(
    type_name: &str,
    kind: &str,
    schema: &Schema,
    examples: &Path,
    file: &str,
) -> String {
    let mut text = front_matter(
        &format!("{type_name} {kind} - natsforge"),
        &schema.block.description,
    );
    let _ = write!(
        text,
        "# {type_name} ({kind})\n\n{}\n\n",
        schema.block.description
    );
    text.push_str(&example_section(&examples.join(file)));
    text.push_str(&schema_section(&schema.block));
    if let Ok(import) = std::fs::read_to_string(examples.join("import.sh")) {
        let _ = write!(
            text,
            "\n## Import\n\nImport is supported using the following syntax:\n\n```shell\n{}\n```\n",
            import.trim_end()
        );
    }
    text
}

/// A provider function: its signature, what it does, its arguments and result.
fn function_page(function: &dyn Function, examples: &Path) -> String {
    let definition = function.definition();
    let name = function.name();
    let mut text = front_matter(&format!("{name} function - natsforge"), definition.summary);
    let _ = write!(text, "# function: {name}\n\n{}\n\n", definition.description);
    text.push_str(&example_section(&examples.join("function.tf")));
    let parameters: Vec<String> = definition
        .parameters
        .iter()
        .map(|p| format!("{} {}", p.name, type_word(&p.ty).to_lowercase()))
        .collect();
    let _ = write!(
        text,
        "## Signature\n\n```text\n{name}({}) {}\n```\n\n## Arguments\n\n",
        parameters.join(", "),
        type_word(&definition.returns).to_lowercase()
    );
    for (index, parameter) in definition.parameters.iter().enumerate() {
        let _ = writeln!(
            text,
            "{}. `{}` ({}) {}",
            index + 1,
            parameter.name,
            type_word(&parameter.ty),
            parameter.description
        );
    }
    text
}

/// "## Schema" with Required / Optional / Read-Only lists, then nested schemas.
fn schema_section(block: &Block) -> String {
    let mut text = String::from("## Schema\n\n");
    let mut nested = Vec::new();
    write_groups(&mut text, block, "", &mut nested);
    while let Some((anchor, title, inner)) = nested.pop() {
        let _ = write!(
            text,
            "<a id=\"{anchor}\"></a>\n### Nested Schema for `{title}`\n\n"
        );
        let mut deeper = Vec::new();
        write_groups(&mut text, &inner, &format!("{title}."), &mut deeper);
        nested.extend(deeper.into_iter().rev());
    }
    text
}

type NestedList = Vec<(String, String, Block)>;

fn write_groups(text: &mut String, block: &Block, prefix: &str, nested: &mut NestedList) {
    let mut groups: [(&str, Vec<String>); 3] = [
        ("Required", vec![]),
        ("Optional", vec![]),
        ("Read-Only", vec![]),
    ];
    for attribute in &block.attributes {
        let group = if attribute.required {
            0
        } else if attribute.optional {
            1
        } else {
            2
        };
        groups[group]
            .1
            .push(attribute_line(attribute, prefix, nested));
    }
    for nested_block in &block.blocks {
        let anchor = format!("nestedblock--{prefix}{}", nested_block.type_name).replace('.', "--");
        let mut kind = format!("Block {}", nesting_word(nested_block.nesting));
        if nested_block.max_items > 0 {
            let _ = write!(kind, ", Max: {}", nested_block.max_items);
        }
        let group = if nested_block.min_items > 0 { 0 } else { 1 };
        groups[group].1.push(format!(
            "- `{}` ({kind}) {} (see [below for nested schema](#{anchor}))",
            nested_block.type_name, nested_block.block.description
        ));
        nested.push((
            anchor,
            format!("{prefix}{}", nested_block.type_name),
            nested_block.block.clone(),
        ));
    }
    let heading = if prefix.is_empty() { "### " } else { "" };
    for (title, lines) in groups.iter().filter(|(_, lines)| !lines.is_empty()) {
        let colon = if prefix.is_empty() { "" } else { ":" };
        let _ = write!(text, "{heading}{title}{colon}\n\n{}\n\n", lines.join("\n"));
    }
}

fn attribute_line(attribute: &Attribute, prefix: &str, nested: &mut NestedList) -> String {
    let mut flags = vec![match &attribute.ty {
        AttributeType::Plain(ty) => type_word(ty),
        AttributeType::Nested(nesting, _) => match nesting {
            Nesting::Single | Nesting::Group => "Attributes".to_string(),
            other => format!("Attributes {}", nesting_word(*other)),
        },
    }];
    if attribute.sensitive {
        flags.push("Sensitive".into());
    }
    if attribute.write_only {
        flags.push("Write-only".into());
    }
    if attribute.deprecation.is_some() {
        flags.push("Deprecated".into());
    }
    let mut line = format!(
        "- `{}` ({}) {}",
        attribute.name,
        flags.join(", "),
        attribute.documentation()
    );
    if let AttributeType::Nested(_, inner) = &attribute.ty {
        let anchor = format!("nestedatt--{prefix}{}", attribute.name).replace('.', "--");
        let _ = write!(line, " (see [below for nested schema](#{anchor}))");
        let block = inner
            .iter()
            .cloned()
            .fold(Block::default(), |block, inner| block.attribute(inner));
        nested.push((anchor, format!("{prefix}{}", attribute.name), block));
    }
    if let Some(message) = &attribute.deprecation {
        let _ = write!(line, " **Deprecated:** {message}");
    }
    line
}

fn nesting_word(nesting: Nesting) -> &'static str {
    match nesting {
        Nesting::Single | Nesting::Group => "Single",
        Nesting::List => "List",
        Nesting::Set => "Set",
        Nesting::Map => "Map",
    }
}

fn type_word(ty: &Type) -> String {
    match ty {
        Type::Bool => "Boolean".into(),
        Type::Number => "Number".into(),
        Type::String => "String".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(element) => format!("List of {}", type_word(element)),
        Type::Set(element) => format!("Set of {}", type_word(element)),
        Type::Map(element) => format!("Map of {}", type_word(element)),
        Type::Tuple(_) => "Tuple".into(),
        Type::Object(_, _) => "Object".into(),
    }
}
