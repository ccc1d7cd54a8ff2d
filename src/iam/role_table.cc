#include "iam/role_table.h"

namespace disync::iam {

using openapi::Capability;

const std::vector<BuiltInRole>& BuiltInRoles() {
  // workspaces.md section 2.2. Every built-in role reads; the rest follows
  // the matrix there column by column.
  static const std::vector<BuiltInRole> kRoles = {
      {"role_project_guest", 1, "访客", "Visitor", false, true,
       {{Capability::kWorkspaceRead}}},
      {"role_project_owner", 2, "项目所有者", "Workspace Owner", false, false,
       {{Capability::kWorkspaceRead},
        {Capability::kDiTaskWrite},
        {Capability::kDiDeploy},
        {Capability::kDiRunControl},
        {Capability::kDataSourceWrite},
        {Capability::kDataSourceShare},
        {Capability::kDataSourceUse},
        {Capability::kDiProjectConfig},
        {Capability::kMemberManage}}},
      {"role_project_admin", 3, "空间管理员", "Workspace Administrator", false, true,
       {{Capability::kWorkspaceRead},
        {Capability::kDiTaskWrite},
        {Capability::kDiDeploy},
        {Capability::kDiRunControl},
        {Capability::kDataSourceWrite},
        {Capability::kDataSourceShare},
        {Capability::kDataSourceUse},
        {Capability::kDiProjectConfig},
        {Capability::kMemberManage}}},
      {"role_project_dev", 4, "开发", "Develop", true, true,
       {{Capability::kWorkspaceRead},
        {Capability::kDiTaskWrite},
        {Capability::kDiDeploy, GrantCondition::kBasicModeOnly},
        {Capability::kDataSourceUse}}},
      {"role_project_pe", 5, "运维", "O&M", false, true,
       {{Capability::kWorkspaceRead},
        {Capability::kDiDeploy},
        {Capability::kDiRunControl},
        {Capability::kDataSourceWrite},
        {Capability::kDataSourceUse}}},
      {"role_project_deploy", 6, "部署", "Deploy", false, true,
       {{Capability::kWorkspaceRead}, {Capability::kDataSourceUse}}},
      {"role_project_security", 7, "安全管理员", "Security Administrator", false, true,
       {{Capability::kWorkspaceRead}}},
      {"role_project_erd", 8, "模型设计师", "Model Designer", false, true,
       {{Capability::kWorkspaceRead}}},
      {"role_project_data_analyst", 9, "数据分析师", "Data Analyst", false, true,
       {{Capability::kWorkspaceRead}}},
      {"role_project_dg_admin", 10, "数据治理管理员", "Data Governance Administrator", false, true,
       {{Capability::kWorkspaceRead}}},
      {"role_project_tester", 11, "体验者", "Experiencer", false, true,
       {{Capability::kWorkspaceRead}}},
  };
  return kRoles;
}

const BuiltInRole* FindRole(std::string_view code) {
  for (const auto& role : BuiltInRoles()) {
    if (role.code == code) return &role;
  }
  return nullptr;
}

}  // namespace disync::iam
